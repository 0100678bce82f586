// The live view on a terminal: the alternate screen, redrawn in place (cursor home, each line
// cleared to its end, the rest of the screen cleared), the cursor hidden, and single keys read
// in raw mode. leave() restores the terminal, and is safe to call more than once.
export class Screen {
  readonly tty: boolean;
  active = false;

  private readonly out: NodeJS.WriteStream;

  constructor(out: NodeJS.WriteStream) {
    this.out = out;
    this.tty = out.isTTY && process.stdin.isTTY;
  }

  enter(onKey: (key: string) => void): void {
    this.active = true;
    this.out.write("\x1b[?1049h\x1b[?25l");
    process.stdin.setRawMode(true);
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => {
      for (const key of chunk) onKey(key);
    });
    process.stdin.resume();
  }

  draw(lines: readonly string[]): void {
    if (!this.active) return;
    this.out.write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join("\n")}\n\x1b[J`);
  }

  leave(): void {
    if (!this.active) return;
    this.active = false;
    this.out.write("\x1b[?25h\x1b[?1049l");
    process.stdin.setRawMode(false);
    process.stdin.pause();
  }
}
