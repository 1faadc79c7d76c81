import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A fixed-row-height virtual list: only the rows in view (plus a few) are in
 * the DOM, so the sidebar stays instant with thousands of profiles.
 */
export function VirtualList<T>(props: { items: T[]; rowHeight: number; renderRow: (item: T, index: number, style: React.CSSProperties) => ReactNode; label: string; scrollToIndex?: number }) {
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
    if (top < el.scrollTop || top + props.rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, top - el.clientHeight / 2);
  }, [props.scrollToIndex, props.rowHeight]);
  // The filter may shrink the list under the current scroll position.
  const maxTop = Math.max(0, props.items.length * props.rowHeight - height);
  const top = Math.min(scrollTop, maxTop);
  const overscan = 8;
  const first = Math.max(0, Math.floor(top / props.rowHeight) - overscan);
  const last = Math.min(props.items.length, Math.ceil((top + height) / props.rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) rows.push(props.renderRow(props.items[i] as T, i, { top: i * props.rowHeight, height: props.rowHeight }));
  return (
    <div className="vlist" ref={ref} role="tree" aria-label={props.label} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <div style={{ height: props.items.length * props.rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}
