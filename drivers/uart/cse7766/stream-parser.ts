// The CSE7766 never waits to be asked: frames arrive back to back. This parser finds them in an
// arbitrary byte stream, resynchronising after garbage, truncated frames or checksum errors.
import { FrameError } from '../../errors.js';
import {
  CSE7766_FRAME_LENGTH,
  CSE7766_HEADER2,
  decodeCse7766Frame,
  isCse7766Header1,
  type Cse7766Frame,
} from './codec.js';

export interface Cse7766StreamStats {
  frames: number;
  /** Candidate frames (plausible headers) rejected, e.g. by checksum. */
  rejectedFrames: number;
  /** Bytes thrown away while looking for a header. */
  discardedBytes: number;
  /** Runs of discarded bytes, each counted once: what the error-rate alarm sees. */
  resyncs: number;
}

/** Cap on buffered bytes so that a stream of garbage cannot grow memory. */
const MAX_BUFFER = 4 * CSE7766_FRAME_LENGTH;

export class Cse7766StreamParser {
  private buf = new Uint8Array(0);
  private discarding = false;
  readonly stats: Cse7766StreamStats = { frames: 0, rejectedFrames: 0, discardedBytes: 0, resyncs: 0 };

  constructor(
    private readonly onFrame: (f: Cse7766Frame) => void = () => {},
    private readonly onReject: (e: FrameError) => void = () => {},
  ) {}

  /** Feeds bytes; returns the frames completed by them (also passed to onFrame). */
  push(chunk: Uint8Array): Cse7766Frame[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const out: Cse7766Frame[] = [];
    let i = 0;
    while (joined.length - i >= 2) {
      if (!isCse7766Header1(joined[i]!) || joined[i + 1] !== CSE7766_HEADER2) {
        this.discard(1);
        i++;
        continue;
      }
      if (joined.length - i < CSE7766_FRAME_LENGTH) break;
      try {
        const f = decodeCse7766Frame(joined.subarray(i, i + CSE7766_FRAME_LENGTH));
        this.discarding = false;
        this.stats.frames++;
        out.push(f);
        this.onFrame(f);
        i += CSE7766_FRAME_LENGTH;
      } catch (e) {
        if (!(e instanceof FrameError)) throw e;
        // A header pair inside data or a corrupted frame: skip one byte and look again.
        this.stats.rejectedFrames++;
        this.onReject(e);
        this.discard(1);
        i++;
      }
    }
    let rest = joined.subarray(i);
    if (rest.length > MAX_BUFFER) {
      this.discard(rest.length - MAX_BUFFER);
      rest = rest.subarray(rest.length - MAX_BUFFER);
    }
    this.buf = rest.slice();
    return out;
  }

  private discard(n: number): void {
    if (!this.discarding) this.stats.resyncs++;
    this.discarding = true;
    this.stats.discardedBytes += n;
  }

  reset(): void {
    this.buf = new Uint8Array(0);
    this.discarding = false;
  }
}
