import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import {
  Badge,
  Button,
  ConfirmDialog,
  DataTable,
  FormModal,
  Menu,
  NamedOptions,
  Pagination,
  SearchField,
  SelectField,
  TextField,
  type Column,
} from '@hadir/ui';

describe('TextField', () => {
  it('wires label, hint and error for assistive technology', () => {
    render(<TextField label="Employee code" hint="For example EMP001" error="Required" defaultValue="" />);
    const input = screen.getByLabelText('Employee code');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (input.getAttribute('aria-describedby') ?? '').split(' ');
    const texts = describedBy.map((id) => document.getElementById(id)?.textContent);
    expect(texts).toEqual(['Required', 'For example EMP001']);
  });

  it('is not marked invalid without an error', () => {
    render(<TextField label="Name" defaultValue="x" />);
    expect(screen.getByLabelText('Name').hasAttribute('aria-invalid')).toBe(false);
  });
});

describe('SearchField', () => {
  it('is a labelled search box that reports what is typed', () => {
    const onChange = vi.fn();
    render(<SearchField label="Search" placeholder="Name or code" value="" onChange={onChange} />);
    const input = screen.getByLabelText('Search');
    expect(input.getAttribute('type')).toBe('search');
    expect(input.getAttribute('placeholder')).toBe('Name or code');
    fireEvent.change(input, { target: { value: 'Ani' } });
    expect(onChange).toHaveBeenCalledTimes(1);
  });
});

describe('NamedOptions', () => {
  it('offers the empty choice first, then each record by id', () => {
    render(
      <SelectField label="Department" defaultValue="">
        <NamedOptions
          none="All departments"
          items={[
            { id: 'd1', name: 'Finance' },
            { id: 'd2', name: 'Warehouse' },
          ]}
        />
      </SelectField>,
    );
    const options = Array.from(screen.getByLabelText('Department').querySelectorAll('option'));
    expect(options.map((o) => [o.value, o.textContent])).toEqual([
      ['', 'All departments'],
      ['d1', 'Finance'],
      ['d2', 'Warehouse'],
    ]);
  });

  it('shows only the empty choice while the records load', () => {
    render(
      <SelectField label="Area" defaultValue="">
        <NamedOptions none="No area" items={undefined} />
      </SelectField>,
    );
    expect(screen.getByLabelText('Area').querySelectorAll('option')).toHaveLength(1);
  });
});

describe('FormModal', () => {
  const renderForm = (props: { onCancel?: () => void } = {}) => {
    const onSubmit = vi.fn((ev: { preventDefault: () => void }) => ev.preventDefault());
    const onClose = vi.fn();
    render(
      <FormModal
        open
        onClose={onClose}
        title="Add user"
        formId="add-user-form"
        onSubmit={onSubmit}
        submitLabel="Add"
        submitting={false}
        {...props}
      >
        <TextField label="Name" defaultValue="" />
      </FormModal>,
    );
    return { onSubmit, onClose };
  };

  it('submits its form from the footer button, without browser validation', () => {
    const { onSubmit } = renderForm();
    const submit = screen.getByRole('button', { name: 'Add', hidden: true });
    expect(submit.getAttribute('type')).toBe('submit');
    expect(submit.getAttribute('form')).toBe('add-user-form');
    const form = document.getElementById('add-user-form') as HTMLFormElement;
    expect(form.noValidate).toBe(true);
    fireEvent.submit(form);
    expect(onSubmit).toHaveBeenCalledTimes(1);
  });

  it('cancels through onCancel when given', () => {
    const onCancel = vi.fn();
    const { onClose } = renderForm({ onCancel });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel', hidden: true }));
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onClose).not.toHaveBeenCalled();
  });

  it('cancels through onClose otherwise', () => {
    const { onClose } = renderForm();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel', hidden: true }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe('Button', () => {
  it('is disabled and busy while loading', () => {
    const onClick = vi.fn();
    render(
      <Button loading onClick={onClick}>
        Save
      </Button>,
    );
    const button = screen.getByRole('button', { name: 'Save' });
    expect(button).toHaveProperty('disabled', true);
    expect(button.getAttribute('aria-busy')).toBe('true');
  });
});

type Row = { id: string; name: string };
const columns: Column<Row, 'name'>[] = [
  { key: 'name', header: 'Name', sortKey: 'name', cell: (r) => r.name },
];

describe('DataTable', () => {
  it('reports sort clicks and exposes aria-sort', () => {
    const onSortChange = vi.fn();
    render(
      <DataTable
        caption="People"
        columns={columns}
        rows={[{ id: '1', name: 'Ani' }]}
        rowKey={(r) => r.id}
        sort={{ sort: 'name', order: 'asc' }}
        onSortChange={onSortChange}
      />,
    );
    expect(screen.getByRole('columnheader').getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(screen.getByRole('button', { name: /Name/ }));
    expect(onSortChange).toHaveBeenCalledWith({ sort: 'name', order: 'desc' });
  });

  it('shows the empty state when there are no rows', () => {
    render(
      <DataTable caption="People" columns={columns} rows={[]} rowKey={(r) => r.id} empty={<p>Nothing</p>} />,
    );
    expect(screen.getByText('Nothing')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });
});

describe('Pagination', () => {
  it('shows the range and moves between pages', () => {
    const onPageChange = vi.fn();
    render(<Pagination page={2} pageSize={25} total={60} onPageChange={onPageChange} />);
    expect(screen.getByText('26–50 of 60')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(onPageChange).toHaveBeenCalledWith(3);
    fireEvent.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(onPageChange).toHaveBeenCalledWith(1);
  });

  it('disables next on the last page', () => {
    render(<Pagination page={3} pageSize={25} total={60} onPageChange={() => undefined} />);
    expect(screen.getByRole('button', { name: 'Next page' })).toHaveProperty('disabled', true);
  });
});

describe('Menu', () => {
  it('opens, moves with arrow keys and closes with Escape', async () => {
    const onA = vi.fn();
    render(
      <Menu
        label="Language"
        button="Lang"
        items={[
          { key: 'a', label: 'Alpha', onSelect: onA, checked: true },
          { key: 'b', label: 'Beta', onSelect: () => undefined, checked: false },
        ]}
      />,
    );
    const trigger = screen.getByRole('button', { name: 'Language' });
    expect(trigger.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(trigger);
    expect(trigger.getAttribute('aria-expanded')).toBe('true');
    const items = screen.getAllByRole('menuitemradio');
    expect(items.map((i) => i.getAttribute('aria-checked'))).toEqual(['true', 'false']);
    items[0]!.focus();
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[1]);
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(trigger);
    fireEvent.click(trigger);
    fireEvent.click(screen.getByRole('menuitemradio', { name: 'Alpha' }));
    expect(onA).toHaveBeenCalled();
    await Promise.resolve();
  });
});

describe('ConfirmDialog', () => {
  it('renders title, body and both actions when open', () => {
    const onConfirm = vi.fn();
    const onCancel = vi.fn();
    render(
      <ConfirmDialog
        open
        title="Delete?"
        body="Gone forever"
        confirmLabel="Delete"
        onConfirm={onConfirm}
        onCancel={onCancel}
      />,
    );
    const dialog = screen.getByRole('dialog', { hidden: true });
    expect(dialog.getAttribute('aria-labelledby')).toBeTruthy();
    expect(screen.getByText('Gone forever')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Delete', hidden: true }));
    expect(onConfirm).toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel', hidden: true }));
    expect(onCancel).toHaveBeenCalled();
  });
});

describe('Badge', () => {
  it('uses the tone classes', () => {
    render(<Badge tone="success">Available</Badge>);
    expect(screen.getByText('Available').className).toContain('text-accent-text');
  });
});
