/* A shared object that is not a plug-in: it exports no stutter_plugin_entry. */
int cframe_bad_no_entry(void);
int cframe_bad_no_entry(void) { return 0; }
