import { describe, expect, it } from 'vitest';
import { ConsoleLineDiscipline, ConsoleOutputTranslator, maxLineBytes } from './runc-console-line.js';

const text = (b: Buffer) => b.toString('utf8');

describe('console line discipline (a container without a pty)', () => {
  it('echoes keystrokes and sends the line with a newline on Enter (CR, LF or CRLF)', () => {
    const d = new ConsoleLineDiscipline();
    const typed = d.input(Buffer.from('echo hi'));
    expect(text(typed.echo)).toBe('echo hi');
    expect(typed.lines).toEqual([]);
    const entered = d.input(Buffer.from('\r\n'));
    expect(text(entered.echo)).toBe('\r\n');
    expect(entered.lines.map(text)).toEqual(['echo hi\n']);
    expect(d.input(Buffer.from('a\nb\rc\r\n')).lines.map(text)).toEqual(['a\n', 'b\n', 'c\n']);
  });

  it('erases with Backspace (a whole UTF-8 character), kills with Ctrl-U, drops with Ctrl-C', () => {
    const d = new ConsoleLineDiscipline();
    const edited = d.input(Buffer.from('lsé\x7f\x7fx\r'));
    expect(edited.lines.map(text)).toEqual(['lx\n']);
    expect(text(edited.echo)).toBe('lsé\b \b\b \bx\r\n');
    expect(text(d.input(Buffer.from('\x7f')).echo)).toBe('');
    expect(d.input(Buffer.from('rm -rf x\x15pwd\r')).lines.map(text)).toEqual(['pwd\n']);
    const dropped = d.input(Buffer.from('sleep 9\x03'));
    expect(text(dropped.echo)).toBe('sleep 9^C\r\n');
    expect(d.input(Buffer.from('\r')).lines.map(text)).toEqual(['\n']);
  });

  it('drops escape sequences (arrow keys) and other control bytes, keeps tabs', () => {
    const d = new ConsoleLineDiscipline();
    const r = d.input(Buffer.from('a\x1b[A\x1bOB\x1b[1;5Cb\x00\x07\tc\r'));
    expect(r.lines.map(text)).toEqual(['ab\tc\n']);
    expect(text(r.echo)).toBe('ab\tc\r\n');
  });

  it('cuts a line to what one FIFO write keeps whole', () => {
    const d = new ConsoleLineDiscipline();
    const r = d.input(Buffer.concat([Buffer.alloc(10_000, 'x'), Buffer.from('\r')]));
    expect(r.lines[0]!.length).toBe(maxLineBytes);
  });
});

describe('console output translation', () => {
  it('turns lone LFs into CRLF, across chunks, leaving CRLF alone', () => {
    const t = new ConsoleOutputTranslator();
    expect(text(t.translate(Buffer.from('a\nb\r')))).toBe('a\r\nb\r');
    expect(text(t.translate(Buffer.from('\nc\n')))).toBe('\nc\r\n');
  });
});
