"""The long-running shell around the pass: scheduling, signals, the service manager."""
