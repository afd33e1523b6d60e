//! Inflating on a thread of its own: a [`Source`] that hands on the pieces another [`Source`] (a
//! gzip stream) gives on a second thread, a few pieces ahead, so that one big `.json.gz` is
//! inflated and read at once on two cores. The bytes, and where and why they stop, are exactly
//! those of the source read on the reader's own thread.
//!
//! Native only (WebAssembly workers have no threads to spare). Depends on the window's
//! [`Source`].

use super::window::{Source, given};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::Scope;

/// How much the inflating thread asks its source for at a time.
const PIECE: usize = 1 << 20;

/// How many pieces may wait for the reader: what inflating ahead holds at most, besides the piece
/// being made and the one being read.
const WAITING: usize = 4;

/// What the inflating thread sends: a piece of bytes, or why the source stopped (after its last
/// bytes). The channel closing without either means the source ended cleanly.
type Piece = Result<Vec<u8>, String>;

/// The reader's end: pieces from the thread, in order.
pub(crate) struct Ahead {
    pieces: Receiver<Piece>,
    /// Used pieces go back to the thread to be filled again.
    spare: SyncSender<Vec<u8>>,
    /// Why the source stopped, held back until the bytes before it were given.
    stopped: Option<String>,
}

impl Ahead {
    /// Starts reading `source` on a thread of `scope`. The thread ends when the source does, or
    /// when the returned reader is dropped (it is then told at its next piece).
    pub(crate) fn spawn<'scope, S: Source + Send + 'scope>(scope: &'scope Scope<'scope, '_>, mut source: S) -> Ahead {
        let (send, pieces) = sync_channel::<Piece>(WAITING);
        let (spare, spares) = sync_channel::<Vec<u8>>(WAITING + 2);
        scope.spawn(move || {
            loop {
                let mut piece = spares.try_recv().unwrap_or_default();
                piece.clear();
                let sent = match source.fill(&mut piece, PIECE) {
                    Ok(0) => return,
                    Ok(_) => send.send(Ok(piece)),
                    Err(why) => {
                        let _ = send.send(Err(why));
                        return;
                    }
                };
                if sent.is_err() {
                    return;
                }
            }
        });
        Ahead { pieces, spare, stopped: None }
    }
}

impl Source for Ahead {
    /// Appends pieces until at least `most` bytes came, the source ended, or it stopped.
    fn fill(&mut self, bytes: &mut Vec<u8>, most: usize) -> Result<usize, String> {
        let mut got = 0;
        while got < most && self.stopped.is_none() {
            match self.pieces.recv() {
                Ok(Ok(piece)) => {
                    bytes.extend_from_slice(&piece);
                    got += piece.len();
                    let _ = self.spare.try_send(piece);
                }
                Ok(Err(why)) => self.stopped = Some(why),
                Err(_) => break,
            }
        }
        given(got, &mut self.stopped)
    }
}
