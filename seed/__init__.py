"""The demo district (:mod:`seed.demo`) and the CALPADS sandbox (:mod:`seed.sandbox`), a simulator
of the state's side for demos, rehearsals and end-to-end tests. Nothing here is production: the
district's own roster import lives in :mod:`store.roster_import`."""
