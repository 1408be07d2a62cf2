import type { PeerMessageFrame } from '../../protocol/aoo/peer/msg.ts';
import { MessageAssembly, type ReceivedMessage } from './message-assembly.ts';

/**
 * Incoming unreliable messages of one peer (spec §11.8): a single frame is delivered at once;
 * a split message is reassembled in one slot, which a newer message takes over.
 */
export class UnreliableReceiver {
  private current: MessageAssembly | null = null;

  /** Takes one frame, delivering the message if it is now whole; returns why the frame was unusable, or null. */
  receive(frame: PeerMessageFrame, deliver: (m: ReceivedMessage) => void): string | null {
    if (frame.frames === null) {
      deliver({ dataType: frame.dataType, bytes: frame.payload.slice(), timestamp: frame.timestamp });
      return null;
    }
    const current = this.current;
    if (current !== null && frame.sequence < current.sequence) return null; // a straggler of an abandoned message
    const assembly = MessageAssembly.collect(current?.sequence === frame.sequence ? current : undefined, frame);
    if (typeof assembly === 'string') return assembly;
    this.current = assembly.complete ? null : assembly;
    if (assembly.complete) deliver(assembly.message());
    return null;
  }
}
