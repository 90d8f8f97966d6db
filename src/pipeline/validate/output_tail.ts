/**
 * The start and the end of a script's output, the parts that say what failed, held in bounded memory
 * however much the script prints.
 */
export class OutputTail {
  private readonly head: Array<string> = []
  private readonly tail: Array<string> = []
  private dropped = 0

  constructor(private readonly headLines = 60, private readonly tailLines = 240) {}

  push(line: string): void {
    if (this.head.length < this.headLines) {
      this.head.push(line)
      return
    }
    this.tail.push(line)
    if (this.tail.length > this.tailLines) {
      this.tail.shift()
      this.dropped++
    }
  }

  text(): string {
    const gap = this.dropped > 0 ? [`… ${this.dropped} lines left out …`] : []
    return [...this.head, ...gap, ...this.tail].join("\n")
  }
}
