// Redraws a block of text in place on a terminal (cursor up, clear to end); on a pipe it just appends blocks,
// so that logs stay readable.
export class LiveTable {
  private lines = 0;
  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  render(text: string): void {
    const body = text.endsWith('\n') ? text : `${text}\n`;
    if (this.out.isTTY) {
      if (this.lines > 0) this.out.write(`\x1b[${this.lines}F\x1b[J`);
      this.lines = body.split('\n').length - 1;
      this.out.write(body);
    } else {
      this.out.write(`${body}\n`);
    }
  }
}
