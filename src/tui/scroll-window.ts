/**
 * The first row to show so that `focus` is visible in `height` rows, moving the previous `top` only
 * as far as needed (rows do not jump under the user), and never past the end of `count` rows.
 */
export function scrollTop(focus: number, top: number, height: number, count: number): number {
  const rows = Math.max(1, height);
  let start = top;
  if (focus < start) start = focus;
  if (focus >= start + rows) start = focus - rows + 1;
  return Math.max(0, Math.min(start, count - rows));
}
