// A view that renders again only when one of its props changed (compared by
// identity). The store replaces what changed and keeps everything else, so a
// change of the connection or of one part of the cluster leaves the other
// tables' rows alone instead of comparing every row again.
import { Component, type ComponentChild } from 'preact';

export function memo<P extends object>(view: (props: P) => ComponentChild): (props: P) => ComponentChild {
  class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      const before = this.props as Record<string, unknown>;
      const after = next as Record<string, unknown>;
      const keys = Object.keys(after);
      return keys.length !== Object.keys(before).length || keys.some((k) => before[k] !== after[k]);
    }
    override render(props: P): ComponentChild {
      return view(props);
    }
  }
  return Memo as unknown as (props: P) => ComponentChild;
}
