"""What the reports module adds to the navigation and Today."""
