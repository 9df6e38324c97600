; torch nn.Sequential(a, b, c): the arguments are the layers. The list and
; OrderedDict shapes of the other files take precedence over this one.
((call
  function: (_) @callee
  arguments: (argument_list) @elements) @container
  (#match? @callee "(^|[.])Sequential$"))
