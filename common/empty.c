/* Keeps a module library valid while it has no sources of its own. */
typedef int np_empty_translation_unit;
