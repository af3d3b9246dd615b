//! Both ends of the wire: `listen` receives requests byte-exact and verifies them as they
//! arrive; `send` signs a request, sends it and reads the answer. Not part of the pure core:
//! sockets, clocks and files live here, and the verdicts come from [`crate::sign`] and
//! [`crate::diagnose`] unchanged.

pub mod client;
pub mod http1;
pub mod listen;
pub mod show;
pub mod theirs;
pub mod verdict;
