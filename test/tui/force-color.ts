// Imported first by TUI tests: chalk (through Ink) decides on colours when it is loaded, and the tests
// check that status and latency are coloured. Ink's Text uses chalk; level 1 = 16 colours.
process.env.FORCE_COLOR = '1';
