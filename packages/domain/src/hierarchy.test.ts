import { describe, expect, it } from 'vitest';
import {
  findCycles,
  isInChainOfCommand,
  orgChartFrom,
  subordinatesOf,
  supervisorChain,
  validateSupervisorChange,
} from './hierarchy.js';

// ceo ← ops ← lead ← budi, siti ; ops ← rina ; hr (top, nobody under)
const chart = orgChartFrom([
  { id: 'ceo', supervisorId: null },
  { id: 'ops', supervisorId: 'ceo' },
  { id: 'lead', supervisorId: 'ops' },
  { id: 'rina', supervisorId: 'ops' },
  { id: 'budi', supervisorId: 'lead' },
  { id: 'siti', supervisorId: 'lead' },
  { id: 'hr', supervisorId: null },
]);

describe('supervisorChain', () => {
  it('walks from the direct supervisor to the top', () => {
    expect(supervisorChain(chart, 'budi')).toEqual(['lead', 'ops', 'ceo']);
    expect(supervisorChain(chart, 'ceo')).toEqual([]);
    expect(supervisorChain(chart, 'nobody')).toEqual([]);
  });
  it('stops before repeating in corrupt data', () => {
    const corrupt = new Map([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'a'],
    ]);
    expect(supervisorChain(corrupt, 'a')).toEqual(['b', 'c']);
  });
  it('includes a dangling supervisor id but goes no further', () => {
    expect(supervisorChain(new Map([['a', 'ghost']]), 'a')).toEqual(['ghost']);
  });
});

describe('subordinatesOf', () => {
  it('lists direct reports', () => {
    expect(subordinatesOf(chart, 'ops')).toEqual(['lead', 'rina']);
  });
  it('lists the whole subtree when recursive, direct reports first', () => {
    expect(subordinatesOf(chart, 'ceo', { recursive: true })).toEqual([
      'ops',
      'lead',
      'rina',
      'budi',
      'siti',
    ]);
    expect(subordinatesOf(chart, 'budi', { recursive: true })).toEqual([]);
  });
  it('terminates on cycles and never lists the supervisor itself', () => {
    const corrupt = new Map<string, string | null>([
      ['a', 'b'],
      ['b', 'a'],
      ['c', 'a'],
    ]);
    expect(subordinatesOf(corrupt, 'a', { recursive: true })).toEqual(['b', 'c']);
  });
});

describe('validateSupervisorChange', () => {
  it('accepts a normal move and removal of a supervisor', () => {
    expect(validateSupervisorChange(chart, 'budi', 'rina')).toEqual({ ok: true });
    expect(validateSupervisorChange(chart, 'lead', null)).toEqual({ ok: true });
  });
  it('rejects self-supervision', () => {
    expect(validateSupervisorChange(chart, 'budi', 'budi')).toEqual({ ok: false, reason: 'self' });
  });
  it('rejects a cycle and names it', () => {
    expect(validateSupervisorChange(chart, 'ops', 'budi')).toEqual({
      ok: false,
      reason: 'cycle',
      cycle: ['budi', 'lead', 'ops'],
    });
  });
  it('rejects unknown ids', () => {
    expect(validateSupervisorChange(chart, 'ghost', 'ceo')).toMatchObject({ reason: 'unknown_employee' });
    expect(validateSupervisorChange(chart, 'budi', 'ghost')).toMatchObject({ reason: 'unknown_supervisor' });
  });
});

describe('chain of command and cycle detection', () => {
  it('knows who is above whom', () => {
    expect(isInChainOfCommand(chart, 'ops', 'siti')).toBe(true);
    expect(isInChainOfCommand(chart, 'rina', 'siti')).toBe(false);
  });
  it('finds each stored cycle once', () => {
    expect(findCycles(chart)).toEqual([]);
    const corrupt = new Map<string, string | null>([
      ['x', 'y'],
      ['y', 'z'],
      ['z', 'x'],
      ['w', 'x'],
      ['p', 'p'],
    ]);
    expect(findCycles(corrupt)).toEqual([['x', 'y', 'z'], ['p']]);
  });
});
