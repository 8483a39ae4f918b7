import { placeholder } from './index.js';

test('placeholder', () => {
  expect(placeholder).toBe(1);
});
