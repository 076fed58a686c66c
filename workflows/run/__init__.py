"""The SSID run: its state machine, its guards, and one module per step service.

- :mod:`~workflows.run.machine`: the states, events and guards of product.md "The SSID workflow";
- :mod:`~workflows.run.guards`: the typed facts each guard needs and the reason it gives;
- :mod:`~workflows.run.mid_warnings`: warnings that keep a decision from creating a MID (they never
  refuse: the person may decide anyway);
- the steps in the order a coordinator meets them: :mod:`~workflows.run.lifecycle` (start, resolve
  MIDs, cancel, status), :mod:`~workflows.run.request` (the SENR request file),
  :mod:`~workflows.run.results` (the match result and the decisions),
  :mod:`~workflows.run.bulk_accept`, :mod:`~workflows.run.extract` (the SSID Extract);
- :mod:`~workflows.run.duplicate_check` and :mod:`~workflows.run.local_check`: the stored local
  duplicate check that "MIDs resolved" reads;
- :mod:`~workflows.run.diagram`: the state diagram drawn from the same table.

Submodules are imported by name (``from workflows.run import extract``): a console page that
needs one step does not pay for the others.
"""
