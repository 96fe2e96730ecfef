typedef int np_engine_placeholder;
