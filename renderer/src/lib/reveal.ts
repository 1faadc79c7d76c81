/**
 * Brings the top of `el` into view when it lies outside the visible part of the scrolling main area.
 * Below two columns' width (the window's minimum, 900×640) a profile's results stack under its long
 * request form: without this, a run's progress (and a sign-in URL to copy) and then its tokens or error
 * would appear out of sight while the screen looks unchanged. Where the results sit beside the form
 * and are already in view, nothing moves.
 */
export function revealTop(el: HTMLElement | null, minVisible = 120): void {
  if (!el) return;
  requestAnimationFrame(() => {
    const scroller = el.closest('.main');
    const view = scroller ? scroller.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
    const top = el.getBoundingClientRect().top;
    if (top < view.top || top > view.bottom - minVisible) el.scrollIntoView({ block: 'start' });
  });
}
