"""Homeroom: the operations desk for school technology."""
