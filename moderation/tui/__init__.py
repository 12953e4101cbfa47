"""The moderators' terminal UI (Textual). Import only when reviewing; the rest of the package never needs it."""
