"""The design system: shared components every page is built from."""
