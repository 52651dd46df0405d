"""What the Help desk module adds to the navigation, Today and the global search."""
