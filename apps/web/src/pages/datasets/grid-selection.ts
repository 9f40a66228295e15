/**
 * Selection in a grid of crops, the way file managers do it: click selects one, ctrl/cmd-click toggles,
 * shift-click selects the range from the anchor; arrows move the cursor (shift extends), space toggles,
 * ctrl/cmd+A selects all. Pure, so the keyboard rules are tested without a browser.
 */
export type GridSelection = { selected: ReadonlySet<number>; cursor: number; anchor: number };

export const emptySelection: GridSelection = { selected: new Set(), cursor: 0, anchor: 0 };

const range = (a: number, b: number): Set<number> => {
  const out = new Set<number>();
  for (let i = Math.min(a, b); i <= Math.max(a, b); i++) out.add(i);
  return out;
};

export function clickCell(
  s: GridSelection,
  index: number,
  mods: { shift: boolean; toggle: boolean },
): GridSelection {
  if (mods.shift) {
    const r = range(s.anchor, index);
    if (mods.toggle) for (const i of s.selected) r.add(i);
    return { selected: r, cursor: index, anchor: s.anchor };
  }
  if (mods.toggle) {
    const next = new Set(s.selected);
    if (next.has(index)) next.delete(index);
    else next.add(index);
    return { selected: next, cursor: index, anchor: index };
  }
  return { selected: new Set([index]), cursor: index, anchor: index };
}

/** Returns the new selection, or null when the key is not one of the grid's. */
export function keyInGrid(
  s: GridSelection,
  key: string,
  mods: { shift: boolean; toggle: boolean },
  count: number,
  columns: number,
): GridSelection | null {
  if (count === 0) return null;
  const cols = Math.max(1, columns);
  const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -cols, ArrowDown: cols };
  if (key in step) {
    const cursor = Math.min(count - 1, Math.max(0, s.cursor + step[key]!));
    if (mods.shift) return { selected: range(s.anchor, cursor), cursor, anchor: s.anchor };
    return { ...s, cursor, anchor: cursor };
  }
  if (key === 'Home' || key === 'End') {
    const cursor = key === 'Home' ? 0 : count - 1;
    return mods.shift
      ? { selected: range(s.anchor, cursor), cursor, anchor: s.anchor }
      : { ...s, cursor, anchor: cursor };
  }
  if (key === ' ') return clickCell(s, s.cursor, { shift: mods.shift, toggle: true });
  if ((key === 'a' || key === 'A') && mods.toggle) return { ...s, selected: range(0, count - 1) };
  if (key === 'Escape') return { ...s, selected: new Set() };
  return null;
}
