"""Pages: layout only, built from the shared components, bound to states."""
