"""What the user writes: config and schedule loading and validation, adding interviews."""
