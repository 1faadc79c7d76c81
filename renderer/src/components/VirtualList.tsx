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
  const [height, setHeight] = useState(600);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (!el || props.scrollToIndex === undefined || props.scrollToIndex < 0) return;
    const top = props.scrollToIndex * props.rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + props.rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + props.rowHeight - el.clientHeight;
  }, [props.scrollToIndex, props.rowHeight]);
  // The filter may shrink the list under the current scroll position.
  const maxTop = Math.max(0, props.items.length * props.rowHeight - height);
  const top = Math.min(scrollTop, maxTop);
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
