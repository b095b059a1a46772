//! Outputs of a run: daily CSV, JSON summary, PNG charts and the terminal table.
