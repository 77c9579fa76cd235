"""Export levels as pictures and Tiled maps, using art that procgen draws itself."""
