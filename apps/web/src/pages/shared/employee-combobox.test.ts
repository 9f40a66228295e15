import { describe, expect, it, vi } from 'vitest';

const list = vi.fn();
vi.mock('../../api/endpoints', () => ({ employeesApi: { list } }));
const { searchEmployees } = await import('./employee-combobox');

describe('searchEmployees', () => {
  it('asks for the first ten matches and offers them with the code as the detail', async () => {
    list.mockResolvedValueOnce({ items: [{ id: 'e1', name: 'Siti Rahma', employeeCode: 'EMP001' }] });
    expect(await searchEmployees('siti')).toEqual([{ id: 'e1', label: 'Siti Rahma', detail: 'EMP001' }]);
    expect(list).toHaveBeenLastCalledWith({ q: 'siti', page: 1, pageSize: 10 });
  });

  it('sends no query for an empty search', async () => {
    list.mockResolvedValueOnce({ items: [] });
    expect(await searchEmployees('')).toEqual([]);
    expect(list).toHaveBeenLastCalledWith({ q: undefined, page: 1, pageSize: 10 });
  });
});
