import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

/**
 * A fixed-row-height virtual list: only the rows in view (plus a few) are in
 * the DOM, so the sidebar stays instant with thousands of profiles. The row
 * at `keepIndex` (the one keyboard focus is on) is always rendered, so focus
 * never falls out of the list when it scrolls.
 */
export function VirtualList<T>(props: {
  items: T[];
  rowHeight: number;
  renderRow: (item: T, index: number, style: React.CSSProperties) => ReactNode;
  label: string;
  id?: string;
  scrollToIndex?: number;
  keepIndex?: number;
  onKeyDown?: (e: KeyboardEvent<HTMLDivElement>) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  // The window's height until the list's own is known: enough rows for the first paint without
  // reading a size from the page before it was ever laid out.
  const [height, setHeight] = useState(() => window.innerHeight || 600);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // Its first observation comes after the first layout, so mounting forces no layout of its own.
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  // The filter may shrink the list under the current scroll position.
  const maxTop = Math.max(0, props.items.length * props.rowHeight - height);
  const top = Math.min(scrollTop, maxTop);
  // Scrolls the row at scrollToIndex into view, judged from the scroll position and height the list
  // keeps in state: reading them from the element would force a layout in the middle of each
  // keystroke in the filter (issue 12: no long task while filtering 10,000 profiles).
  useEffect(() => {
    const el = ref.current;
    if (!el || props.scrollToIndex === undefined || props.scrollToIndex < 0) return;
    const row = props.scrollToIndex * props.rowHeight;
    if (row < top) el.scrollTop = row;
    else if (row + props.rowHeight > top + height) el.scrollTop = row + props.rowHeight - height;
  }, [props.scrollToIndex, props.rowHeight]);
  const overscan = 8;
  const first = Math.max(0, Math.floor(top / props.rowHeight) - overscan);
  const last = Math.min(props.items.length, Math.ceil((top + height) / props.rowHeight) + overscan);
  const rows: ReactNode[] = [];
  const keep = props.keepIndex;
  if (keep !== undefined && keep >= 0 && keep < first) rows.push(props.renderRow(props.items[keep] as T, keep, { top: keep * props.rowHeight, height: props.rowHeight }));
  for (let i = first; i < last; i++) rows.push(props.renderRow(props.items[i] as T, i, { top: i * props.rowHeight, height: props.rowHeight }));
  if (keep !== undefined && keep >= last && keep < props.items.length) rows.push(props.renderRow(props.items[keep] as T, keep, { top: keep * props.rowHeight, height: props.rowHeight }));
  return (
    <div className="vlist" ref={ref} role="tree" id={props.id} aria-label={props.label} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} onKeyDown={props.onKeyDown}>
      <div role="none" style={{ height: props.items.length * props.rowHeight, position: 'relative' }}>
        {rows}
      </div>
    </div>
  );
}
