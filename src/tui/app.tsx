import { Box, Text, useInput, useStdout, type Key } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ExchangeStore, StoredExchange } from '../store/exchange-store.js';
import type { FilterSyntaxError } from '../store/filter.js';
import { ListCursor } from '../store/list-cursor.js';
import { pairFilter } from '../store/pair-stats.js';
import { exchangeId } from '../trace/index.js';
import { ContainersView } from './containers-view.js';
import { DetailView } from './detail-view.js';
import { ExchangeList, LIST_CHROME_LINES } from './exchange-list.js';
import { FILTER_BAR_LINES, FilterBar } from './filter-bar.js';
import { HelpView } from './help-view.js';
import { eachKey } from './key-chars.js';
import { FrozenList, LiveList, type ListModel } from './list-model.js';
import { sameStatus, type TuiStatus } from './status.js';
import { StatusLine } from './status-line.js';
import { Waterfall } from './waterfall.js';

export interface AppProps {
  store: ExchangeStore;
  /** Polled with the render throttle (every 100 ms). */
  status: () => TuiStatus;
  /** Writes the filtered exchanges as HAR; resolves with the path written, or throws. */
  onExport: (store: ExchangeStore) => Promise<string>;
  onQuit: () => void;
  /** A filter to start with (--filter); one that does not parse opens the filter bar with its error. */
  initialFilter?: string;
  /** A standing note for the message line, e.g. why the demo capture is shown. */
  hint?: string;
}

type View = 'list' | 'detail' | 'containers' | 'waterfall' | 'help';

/** Wall-clock pacing of rendering only: at most 10 frames a second, whatever the ingest rate. */
export const RENDER_INTERVAL_MS = 100;

const KEYS_HINT = 'q quit · ? help · / filter · ⏎ detail · t containers · space pause · e export · w tree';

function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/**
 * The terminal UI: owns the keys and which view shows. Nothing re-renders per exchange: a timer
 * compares store.version and the status every RENDER_INTERVAL_MS and renders when either changed.
 */
export function App({ store, status, onExport, onQuit, initialFilter, hint }: AppProps) {
  const { columns, rows } = useTerminalSize();
  const cursor = useMemo(() => new ListCursor(store), [store]);
  const live = useMemo(() => new LiveList(store, cursor), [store, cursor]);
  const statusRef = useRef<() => TuiStatus>(status);
  statusRef.current = status;
  const [shownStatus, setShownStatus] = useState<TuiStatus>(() => status());
  const [, setTick] = useState(0);
  const rerender = () => setTick((t) => t + 1);

  const [view, setView] = useState<View>('list');
  const [helpReturn, setHelpReturn] = useState<View>('list');
  const [detail, setDetail] = useState<StoredExchange | undefined>(undefined);
  const [waterfall, setWaterfall] = useState<{ id: string; back: View } | undefined>(undefined);
  const [frozen, setFrozen] = useState<{ list: FrozenList; version: number } | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [filter, setFilter] = useState<{ open: boolean; text?: string; error?: FilterSyntaxError }>(() => {
    if (initialFilter === undefined || initialFilter.trim() === '') return { open: false };
    const error = store.setFilter(initialFilter.trim());
    cursor.sync();
    return error === undefined ? { open: false } : { open: true, text: initialFilter, error };
  });

  useEffect(() => {
    let lastVersion = store.version;
    let lastStatus = statusRef.current();
    const timer = setInterval(() => {
      const version = store.version;
      const current = statusRef.current();
      const storeChanged = version !== lastVersion;
      if (storeChanged) cursor.sync();
      if (!sameStatus(current, lastStatus)) setShownStatus(current);
      if (storeChanged) rerender();
      lastVersion = version;
      lastStatus = current;
    }, RENDER_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [store, cursor]);

  // Layout: the view, then the filter bar or one message line, then the status line. One line is left
  // free because Ink redraws the whole screen (flicker) when a frame is as tall as the terminal.
  const height = Math.max(4, rows - 1);
  const bottomLines = filter.open ? FILTER_BAR_LINES : 1;
  const mainHeight = Math.max(1, height - 1 - bottomLines);
  const listRows = Math.max(1, mainHeight - LIST_CHROME_LINES);
  const model: ListModel = frozen?.list ?? live;

  const applyFilter = (text: string): FilterSyntaxError | undefined => {
    const error = store.setFilter(text.trim());
    if (error !== undefined) return error;
    cursor.sync();
    if (frozen !== undefined) setFrozen({ list: new FrozenList(live, listRows), version: store.version });
    rerender();
    return undefined;
  };

  const togglePause = () => {
    if (frozen === undefined) setFrozen({ list: new FrozenList(live, listRows), version: store.version });
    else {
      live.resumeFrom(frozen.list);
      setFrozen(undefined);
    }
  };

  const exportNow = () => {
    setNotice('exporting the filtered exchanges…');
    onExport(store).then(
      (path) => setNotice(`exported to ${path}`),
      (error: unknown) => setNotice(`export failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };

  const openWaterfall = (stored: StoredExchange | undefined, back: View) => {
    if (stored === undefined) return;
    setWaterfall({ id: exchangeId(stored.exchange), back });
    setView('waterfall');
  };

  const handleKey = (input: string, key: Key) => {
    if (key.ctrl || key.meta) return;
    if (input === 'q') return onQuit();
    if (view === 'help') {
      if (key.escape || input === '?') setView(helpReturn);
      return;
    }
    if (input === '?') {
      setHelpReturn(view);
      setView('help');
      return;
    }
    if (input === ' ') return togglePause();
    if (view === 'waterfall') return; // the waterfall has its own keys and Esc
    if (view === 'detail') {
      if (input === 'w') openWaterfall(detail, 'detail');
      return; // scrolling, Tab and Esc are the detail view's
    }
    if (view === 'containers') {
      if (input === '/') setFilter({ open: true });
      else if (input === 'e') exportNow();
      return; // the rest are the containers view's
    }
    const page = Math.max(1, listRows - 1);
    if (key.upArrow) model.move(-1);
    else if (key.downArrow) model.move(1);
    else if (key.pageUp) model.move(-page);
    else if (key.pageDown) model.move(page);
    else if (key.home) model.home();
    else if (key.end || input === 'F') model.follow();
    else if (key.return) {
      const focused = model.focused();
      if (focused === undefined) return;
      setDetail(focused);
      setView('detail');
    } else if (input === '/') setFilter({ open: true });
    else if (input === 't') setView('containers');
    else if (input === 'w') openWaterfall(model.focused(), 'list');
    else if (input === 'c') {
      store.clear();
      cursor.sync();
      if (frozen !== undefined) setFrozen({ list: new FrozenList(live, listRows), version: store.version });
    } else if (input === 'e') exportNow();
    else return;
    rerender();
  };
  useInput((input, key) => eachKey(input, key, handleKey), { isActive: !filter.open });

  const filterInfo =
    store.filterText === '' ? undefined : `filter: ${store.filterText} (${model.count.toLocaleString('en-US')} shown)`;
  const message = [notice, filterInfo, hint].filter((part) => part !== undefined && part !== '').join(' · ') || KEYS_HINT;

  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Box height={mainHeight} flexDirection="column">
        {view === 'help' ? (
          <HelpView width={columns} height={mainHeight} />
        ) : view === 'detail' && detail !== undefined ? (
          <DetailView key={detail.id} stored={detail} width={columns} height={mainHeight} onClose={() => setView('list')} isActive={!filter.open} />
        ) : view === 'containers' ? (
          <ContainersView
            store={store}
            dataVersion={frozen?.version ?? store.version}
            width={columns}
            height={mainHeight}
            isActive={!filter.open}
            onClose={() => setView('list')}
            onDrill={(pair) => {
              applyFilter(pairFilter(pair.client, pair.server));
              setView('list');
            }}
          />
        ) : view === 'waterfall' && waterfall !== undefined ? (
          <Waterfall store={store} exchangeId={waterfall.id} width={columns} height={mainHeight} onClose={() => setView(waterfall.back)} />
        ) : (
          <ExchangeList model={model} width={columns} height={mainHeight} filterText={store.filterText} />
        )}
      </Box>
      {filter.open ? (
        <FilterBar
          initial={filter.text ?? store.filterText}
          initialError={filter.error}
          apply={applyFilter}
          onClose={() => setFilter({ open: false })}
          width={columns}
        />
      ) : (
        <Text color={notice?.startsWith('export failed') ? 'red' : undefined} dimColor={message === KEYS_HINT} wrap="truncate">
          {message}
        </Text>
      )}
      <StatusLine status={shownStatus} kept={store.size} evicted={store.evicted} paused={frozen !== undefined} width={columns} />
    </Box>
  );
}
