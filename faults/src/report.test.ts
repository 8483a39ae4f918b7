import { finalLine, renderFailures, renderTable, type PhaseResult } from './report.js';

function phase(overrides: Partial<PhaseResult>): PhaseResult {
  return {
    fault: 'kafka-restart',
    title: 'restart the Kafka broker',
    isFault: true,
    sent: 10,
    acknowledged: 10,
    lost: 0,
    duplicated: 0,
    gaps: 0,
    maxGapRepairMs: undefined,
    maxResumeMs: 1_500,
    recoveryMs: 12_345,
    durationMs: 30_000,
    reconnects: 2,
    retries: 3,
    notes: ['kafka stop + start took 11.0 s'],
    problems: [],
    findings: [],
    ok: true,
    ...overrides,
  };
}

describe('report', () => {
  test('the last line counts the faults (not the baseline) and ends in "0 lost" only when checked', () => {
    const results = [phase({ fault: 'baseline', isFault: false }), phase({}), phase({})];
    expect(finalLine(results, 120, 0)).toBe('faults: 2 faults, 120 acknowledged, 0 lost');
    expect(finalLine(results, 120, 3)).toBe('faults: 2 faults, 120 acknowledged, 3 lost');
    expect(finalLine(results, 120, undefined)).toBe('faults: 2 faults, 120 acknowledged, ? lost');
  });

  test('the table has one row per phase with its figures and notes', () => {
    const table = renderTable([phase({}), phase({ fault: 'chat-kill', ok: false, lost: 1 })]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^fault\s+sent\s+acked\s+lost\s+dup\s+gaps\s+gap repair\s+resume\s+recovery\s+result$/,
    );
    expect(lines[1]).toMatch(
      /^kafka-restart\s+10\s+10\s+0\s+0\s+0\s+-\s+1\.5 s\s+12\.3 s\s+ok\s+kafka stop/,
    );
    expect(lines[2]).toMatch(/chat-kill .* FAILED/);
  });

  test('failures list the problems and findings of failed phases only', () => {
    const text = renderFailures([
      phase({}),
      phase({
        fault: 'chat-kill',
        ok: false,
        problems: ['did not recover: timed out'],
        findings: [
          { kind: 'lost', detail: 'clientMsgId c1 … in neither Postgres nor the archive' },
        ],
      }),
    ]);
    expect(text).toBe(
      [
        'FAILED chat-kill (restart the Kafka broker):',
        '  - did not recover: timed out',
        '  - lost: clientMsgId c1 … in neither Postgres nor the archive',
      ].join('\n'),
    );
  });
});
