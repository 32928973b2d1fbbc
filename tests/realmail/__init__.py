"""Real mail software for the end-to-end tests: Postfix, Dovecot (LDA + Sieve, IMAP), neomutt,
mbsync, each started from a config written at test time into a temporary folder."""
