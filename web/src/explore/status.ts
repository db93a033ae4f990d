/** The status line, the busy flag (body[data-busy], which the browser tests wait for) and the tooltip. */

import { byId } from "./dom";

export function say(message: string): void {
  byId("status").textContent = message;
}

let pending = 0;

/** Run one user action: mark the page busy meanwhile, and report a failure in the status line. */
export async function busy<T>(work: () => Promise<T>): Promise<T | undefined> {
  pending += 1;
  document.body.dataset.busy = "true";
  try {
    return await work();
  } catch (error) {
    say(`Something went wrong: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  } finally {
    pending -= 1;
    if (pending === 0) document.body.dataset.busy = "false";
  }
}

/** Show a summary next to the pointer (x, y inside the drawing), or hide it for null. */
export function hover(text: string | null, x: number, y: number): void {
  const tooltip = byId("tooltip");
  if (!text) {
    tooltip.hidden = true;
    return;
  }
  tooltip.textContent = text;
  tooltip.hidden = false;
  const area = byId("canvas").getBoundingClientRect();
  tooltip.style.left = `${Math.min(x + 14, area.width - 260)}px`;
  tooltip.style.top = `${Math.min(y + 14, area.height - 80)}px`;
}
