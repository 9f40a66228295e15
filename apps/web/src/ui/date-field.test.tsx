import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useState } from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { setLocale } from '../i18n';
import { DateField, formatDateInput, parseDateInput } from './date-field';

describe('date input format', () => {
  it('writes dd/mm/yyyy in Indonesian, Vietnamese and English, whatever the browser says', () => {
    expect(formatDateInput('2026-01-05', 'id')).toBe('05/01/2026');
    expect(formatDateInput('2026-01-05', 'vi')).toBe('05/01/2026');
    expect(formatDateInput('2026-01-05', 'en')).toBe('05/01/2026');
  });

  it('reads day first, with any separator, or ISO; refuses dates that do not exist', () => {
    expect(parseDateInput('5/1/2026', 'id')).toBe('2026-01-05');
    expect(parseDateInput('05-01-2026', 'vi')).toBe('2026-01-05');
    expect(parseDateInput('05.01.2026', 'en')).toBe('2026-01-05');
    expect(parseDateInput('2026-01-05', 'id')).toBe('2026-01-05');
    expect(parseDateInput('31/02/2026', 'id')).toBeNull();
    expect(parseDateInput('13/13/2026', 'vi')).toBeNull();
    expect(parseDateInput('5/1/26', 'id')).toBeNull();
    expect(parseDateInput('kemarin', 'id')).toBeNull();
  });
});

function Harness({ onChange, min }: { onChange: (v: string) => void; min?: string }) {
  const [value, setValue] = useState('2026-01-05');
  return (
    <DateField
      label="Dari"
      value={value}
      min={min}
      onChange={(v) => {
        setValue(v);
        onChange(v);
      }}
    />
  );
}

describe('DateField', () => {
  it('shows and takes dd/mm/yyyy in Indonesian, and hands out YYYY-MM-DD', async () => {
    await act(() => setLocale('id'));
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    const input = screen.getByLabelText<HTMLInputElement>('Dari');
    expect(input.value).toBe('05/01/2026');
    expect(input.getAttribute('type')).not.toBe('date');
    expect(input.getAttribute('placeholder')).toBe('hh/bb/tttt');
    fireEvent.change(input, { target: { value: '7/2/2026' } });
    expect(onChange).toHaveBeenLastCalledWith('2026-02-07');
    expect(input.value).toBe('07/02/2026');
  });

  it('says what is wrong with a date that does not exist or is out of range, and keeps the value', async () => {
    await act(() => setLocale('vi'));
    const onChange = vi.fn();
    render(<Harness onChange={onChange} min="2026-01-03" />);
    const input = screen.getByLabelText<HTMLInputElement>('Dari');
    fireEvent.change(input, { target: { value: '31/02/2026' } });
    fireEvent.blur(input);
    expect(screen.getByText('Không phải ngày hợp lệ; hãy viết theo dạng dd/mm/yyyy')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(input, { target: { value: '01/01/2026' } });
    fireEvent.blur(input);
    expect(screen.getByText('Chọn từ ngày 03/01/2026 trở đi')).toBeTruthy();
    expect(onChange).not.toHaveBeenCalled();
  });
});

describe('every date the app asks for goes through DateField', () => {
  it('has no native <input type="date"> left in the pages (it would show the browser’s mm/dd/yyyy)', () => {
    const pages = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'pages');
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? files(p) : e.name.endsWith('.tsx') ? [p] : [];
      });
    const offenders = files(pages).filter((f) =>
      /type="date"|type=\{?'date'/.test(fs.readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
