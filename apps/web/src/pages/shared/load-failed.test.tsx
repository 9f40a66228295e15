import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { ApiError } from '../../api/client';
import { LoadFailed } from './load-failed';

describe('LoadFailed', () => {
  it('says the page did not load and why, in words', () => {
    render(<LoadFailed error={new ApiError(403, 'forbidden', 'forbidden')} />);
    expect(screen.getByRole('heading', { name: 'Could not load this page.' })).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('offers the action it is given (a retry)', () => {
    render(<LoadFailed error={new Error('boom')} action={<button type="button">Try again</button>} />);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
