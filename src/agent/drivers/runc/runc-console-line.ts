/** What one batch of keystrokes does: bytes echoed to the typist, and whole lines for the guest. */
export interface LineInput {
  readonly echo: Buffer;
  readonly lines: ReadonlyArray<Buffer>;
}

/** A line longer than this is cut: one write of at most PIPE_BUF bytes is atomic on a FIFO. */
export const maxLineBytes = 4095;

const CR = 0x0d;
const LF = 0x0a;
const ESC = 0x1b;
const erase = Buffer.from('\b \b');
const newline = Buffer.from('\r\n');

/**
 * The little of a terminal's line discipline a container without a pty needs (the kernel
 * would do this in canonical mode): keystrokes are echoed, Backspace erases, Ctrl-U kills
 * the line, Ctrl-C drops it, Enter (CR, LF or CRLF) sends it with a newline. Other control
 * bytes and escape sequences (arrow keys) are dropped: a plain shell reading a pipe cannot
 * use them. One instance per console connection.
 */
export class ConsoleLineDiscipline {
  #line: number[] = [];
  #afterCr = false;
  /** 0: text; 1: after ESC; 2: inside a CSI/SS3 sequence, until its final byte. */
  #escape = 0;

  input(chunk: Buffer): LineInput {
    const echo: Buffer[] = [];
    const lines: Buffer[] = [];
    for (const byte of chunk) {
      const wasCr = this.#afterCr;
      this.#afterCr = byte === CR;
      if (this.#inEscape(byte)) continue;
      if (byte === LF && wasCr) continue;
      if (byte === CR || byte === LF) {
        echo.push(newline);
        lines.push(Buffer.from([...this.#line, LF]));
        this.#line = [];
      } else if (byte === 0x7f || byte === 0x08) {
        if (this.#eraseChar()) echo.push(erase);
      } else if (byte === 0x15) {
        while (this.#eraseChar()) echo.push(erase);
      } else if (byte === 0x03) {
        this.#line = [];
        echo.push(Buffer.from('^C\r\n'));
      } else if ((byte >= 0x20 || byte === 0x09) && this.#line.length < maxLineBytes - 1) {
        this.#line.push(byte);
        echo.push(Buffer.from([byte]));
      }
    }
    return { echo: Buffer.concat(echo), lines };
  }

  #inEscape(byte: number): boolean {
    if (this.#escape === 1) {
      this.#escape = byte === 0x5b || byte === 0x4f ? 2 : 0;
      return true;
    }
    if (this.#escape === 2) {
      if (byte >= 0x40 && byte <= 0x7e) this.#escape = 0;
      return true;
    }
    if (byte === ESC) {
      this.#escape = 1;
      return true;
    }
    return false;
  }

  /** Drops the last character (all bytes of a UTF-8 sequence); false when the line is empty. */
  #eraseChar(): boolean {
    if (this.#line.length === 0) return false;
    while (this.#line.length > 0 && (this.#line.pop()! & 0xc0) === 0x80);
    return true;
  }
}

/**
 * The output side of a terminal's `onlcr`: a lone LF becomes CRLF, so a terminal widget
 * starts each line at the left margin. One instance per connection (it remembers the last byte).
 */
export class ConsoleOutputTranslator {
  #lastCr = false;

  translate(chunk: Buffer): Buffer {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === LF && !this.#lastCr) out.push(CR);
      out.push(byte);
      this.#lastCr = byte === CR;
    }
    return Buffer.from(out);
  }
}
