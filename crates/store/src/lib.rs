//! Persistence for Offset Express (in progress).
