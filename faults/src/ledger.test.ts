import { Ledger } from './ledger.js';

const room = 'room-1';
const msg = (seq: number, id = `m${seq}`) => ({ id, roomId: room, seq });

describe('RoomView', () => {
  test('when messages arrive in order, then it is complete and nothing is repaired', () => {
    const ledger = new Ledger();
    const view = ledger.view('u', room);
    for (let seq = 1; seq <= 3; seq += 1) expect(view.add(msg(seq), seq)).toBe(true);
    expect({ top: view.top, newest: view.newest, gap: view.hasGap() }).toEqual({
      top: 3,
      newest: 3,
      gap: false,
    });
    expect(ledger.repairs).toEqual([]);
  });

  test('when a later seq arrives before an earlier one, then a gap is measured until it is filled', () => {
    const ledger = new Ledger();
    const view = ledger.view('u', room);
    view.add(msg(1), 1_000);
    view.add(msg(3), 1_100);
    expect(view.hasGap()).toBe(true);
    expect(view.incompleteSince()).toBe(1_100);
    view.add(msg(4), 1_200);
    view.add(msg(2), 3_600);
    expect(view.hasGap()).toBe(false);
    expect(ledger.repairs).toEqual([
      { userId: 'u', roomId: room, cause: 'gap', start: 1_100, end: 3_600 },
    ]);
  });

  test('when the socket drops, then the resume lasts until a join leaves nothing missing', () => {
    const ledger = new Ledger();
    const view = ledger.view('u', room);
    view.add(msg(1), 0);
    view.disconnected(500);
    view.joined(700); // reconnected, nothing missed
    expect(ledger.repairs).toEqual([
      { userId: 'u', roomId: room, cause: 'resume', start: 500, end: 700 },
    ]);
    view.disconnected(1_000);
    view.add(msg(3), 1_500); // a live message first, the replay of 2 still to come
    view.joined(1_600); // not complete: seq 2 is missing, the resume stays open
    expect(view.incompleteSince()).toBe(1_000);
    view.add(msg(2), 1_700);
    view.joined(1_700);
    expect(ledger.repairs.at(-1)).toEqual({
      userId: 'u',
      roomId: room,
      cause: 'resume',
      start: 1_000,
      end: 1_700,
    });
  });

  test('when a seq is delivered again, then it counts as a redelivery; with another id, as a conflict', () => {
    const view = new Ledger().view('u', room);
    view.add(msg(1), 0);
    expect(view.add(msg(1), 1)).toBe(false);
    view.add(msg(1, 'other'), 2);
    expect({ deliveries: view.deliveries, redeliveries: view.redeliveries }).toEqual({
      deliveries: 3,
      redeliveries: 2,
    });
    expect(view.conflicts).toEqual([{ seq: 1, ids: ['m1', 'other'] }]);
  });

  test('missing() lists every seq up to the room end that is not held', () => {
    const view = new Ledger().view('u', room);
    view.add(msg(1), 0);
    view.add(msg(4), 0);
    expect(view.missing(6)).toEqual([2, 3, 5, 6]);
  });
});

describe('Ledger', () => {
  test('a clientMsgId is used once; unknown ones are a bug of the runner', () => {
    const ledger = new Ledger();
    ledger.recordSend({ clientMsgId: 'a', userId: 'u', roomId: room, phase: 'p', at: 0 });
    expect(() =>
      ledger.recordSend({ clientMsgId: 'a', userId: 'u', roomId: room, phase: 'p', at: 0 }),
    ).toThrow(/used twice/);
    expect(() => {
      ledger.recordAttempt('nope');
    }).toThrow(/unknown clientMsgId/);
  });

  test('lastAckedSeq is the highest acknowledged seq per room', () => {
    const ledger = new Ledger();
    for (const [id, seq] of [
      ['a', 2],
      ['b', 5],
      ['c', 3],
    ] as const) {
      ledger.recordSend({ clientMsgId: id, userId: 'u', roomId: room, phase: 'p', at: 0 });
      ledger.recordAck(id, msg(seq), 0);
    }
    expect(ledger.lastAckedSeq()).toEqual(new Map([[room, 5]]));
  });
});
