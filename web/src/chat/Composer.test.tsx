import { jest } from '@jest/globals';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Composer } from './Composer';

function setup() {
  const onSend = jest.fn<(text: string) => void>();
  const onTyping = jest.fn<(hasText: boolean) => void>();
  render(<Composer roomName="general" onSend={onSend} onTyping={onTyping} />);
  const input = screen.getByRole('textbox', { name: 'Message general' });
  return { onSend, onTyping, input, user: userEvent.setup() };
}

describe('composer', () => {
  it('when Enter is pressed, then the trimmed text is sent and the field cleared', async () => {
    const { onSend, input, user } = setup();
    expect(input).toHaveFocus();
    await user.type(input, '  hello there  {Enter}');
    expect(onSend).toHaveBeenCalledWith('hello there');
    expect(input).toHaveValue('');
  });

  it('when Shift+Enter is pressed, then a new line is added and nothing is sent', async () => {
    const { onSend, input, user } = setup();
    await user.type(input, 'line one{Shift>}{Enter}{/Shift}line two');
    expect(onSend).not.toHaveBeenCalled();
    expect(input).toHaveValue('line one\nline two');
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('line one\nline two');
  });

  it('when Enter confirms an input-method composition, then nothing is sent', () => {
    const { onSend, input } = setup();
    fireEvent.change(input, { target: { value: 'にほん' } });
    fireEvent.keyDown(input, { key: 'Enter', isComposing: true });
    expect(onSend).not.toHaveBeenCalled();
  });

  it('when the text is blank, then the send button is disabled and Enter does nothing', async () => {
    const { onSend, input, user } = setup();
    expect(screen.getByRole('button', { name: 'Send message' })).toBeDisabled();
    await user.type(input, '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
  });

  it('when the text is over 4000 characters, then the contract message is shown and nothing is sent', async () => {
    const { onSend, input, user } = setup();
    fireEvent.change(input, { target: { value: 'x'.repeat(4001) } });
    expect(input).toHaveAccessibleDescription(/1 character over the 4000 limit/);
    await user.click(screen.getByRole('button', { name: 'Send message' }));
    expect(onSend).not.toHaveBeenCalled();
    expect(input).toHaveAccessibleDescription(/Message must be at most 4000 characters/);
  });

  it('when the button is clicked, then the message is sent', async () => {
    const { onSend, input, user } = setup();
    await user.type(input, 'hi');
    await user.click(screen.getByRole('button', { name: 'Send message' }));
    expect(onSend).toHaveBeenCalledWith('hi');
  });

  it('when text is typed and then removed, then typing starts and stops', async () => {
    const { onTyping, input, user } = setup();
    await user.type(input, 'a');
    await user.type(input, '{Backspace}');
    expect(onTyping.mock.calls).toEqual([[true], [false]]);
  });

  it('when the keyboard hint is needed, then it is part of the field description', () => {
    const { input } = setup();
    expect(input).toHaveAccessibleDescription(
      /Enter sends the message; Shift\+Enter starts a new line/,
    );
  });
});
