; torch nn.Sequential(OrderedDict([("name", layer), ...])): the tuples are
; the layers, named by their string.
((call
  function: (_) @callee
  arguments: (argument_list .
    (call
      function: (_) @dict
      arguments: (argument_list . (list) @elements)))) @container
  (#match? @callee "(^|[.])Sequential$")
  (#match? @dict "(^|[.])OrderedDict$"))
