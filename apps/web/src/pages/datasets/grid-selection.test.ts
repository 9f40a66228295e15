import { describe, expect, it } from 'vitest';
import { clickCell, emptySelection, keyInGrid } from './grid-selection';

const none = { shift: false, toggle: false };
const sorted = (s: ReadonlySet<number>) => [...s].sort((a, b) => a - b);

describe('grid selection', () => {
  it('click selects one, ctrl-click toggles, shift-click selects the range from the anchor', () => {
    let s = clickCell(emptySelection, 2, none);
    expect(sorted(s.selected)).toEqual([2]);
    s = clickCell(s, 5, { shift: false, toggle: true });
    expect(sorted(s.selected)).toEqual([2, 5]);
    s = clickCell(s, 5, { shift: false, toggle: true });
    expect(sorted(s.selected)).toEqual([2]);
    s = clickCell(clickCell(emptySelection, 3, none), 6, { shift: true, toggle: false });
    expect(sorted(s.selected)).toEqual([3, 4, 5, 6]);
    s = clickCell(s, 1, { shift: true, toggle: false });
    expect(sorted(s.selected)).toEqual([1, 2, 3]);
  });

  it('arrows move the cursor by cells and rows, clamped; shift extends; space toggles', () => {
    let s = keyInGrid(emptySelection, 'ArrowDown', none, 10, 4)!;
    expect(s.cursor).toBe(4);
    s = keyInGrid(s, 'ArrowDown', none, 10, 4)!;
    s = keyInGrid(s, 'ArrowDown', none, 10, 4)!;
    expect(s.cursor).toBe(9);
    s = keyInGrid(s, ' ', none, 10, 4)!;
    expect(sorted(s.selected)).toEqual([9]);
    s = keyInGrid(s, 'ArrowLeft', { shift: true, toggle: false }, 10, 4)!;
    s = keyInGrid(s, 'ArrowLeft', { shift: true, toggle: false }, 10, 4)!;
    expect(sorted(s.selected)).toEqual([7, 8, 9]);
    s = keyInGrid(s, 'ArrowUp', none, 10, 4)!;
    expect(s.cursor).toBe(3);
    expect(sorted(keyInGrid(s, 'a', { shift: false, toggle: true }, 10, 4)!.selected)).toHaveLength(10);
    expect(keyInGrid(s, 'Escape', none, 10, 4)!.selected.size).toBe(0);
    expect(keyInGrid(s, 'x', none, 10, 4)).toBeNull();
    expect(keyInGrid(s, 'ArrowUp', none, 0, 4)).toBeNull();
  });
});
