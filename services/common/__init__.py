"""What every service shares beyond the event log: error vocabulary and schema building blocks."""
