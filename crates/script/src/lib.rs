//! The console language of Offset Express (in progress): parses the lines a learner types, a
//! scenario file or a share link into [`sim::Command`]s.
