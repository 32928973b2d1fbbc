"""The test suite: unit, property, contract, end-to-end and real-software tests."""
