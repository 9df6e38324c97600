; Layer containers whose elements are list items or call arguments.
; Each pattern captures the whole call as @container, the callee as
; @callee (its last name must be Sequential or ModuleList, whatever the
; import path: Sequential, keras.Sequential, tf.keras.Sequential,
; nn.Sequential, ...) and the node whose named children are the layers as
; @elements. When several patterns match one call, the first one wins.

; keras Sequential([...]) and torch nn.ModuleList([...])
((call
  function: (_) @callee
  arguments: (argument_list . (list) @elements)) @container.list
  (#match? @callee "(^|[.])(Sequential|ModuleList)$"))

; keras Sequential(layers=[...])
((call
  function: (_) @callee
  arguments: (argument_list
    (keyword_argument
      name: (identifier) @keyword
      value: (list) @elements))) @container.list
  (#match? @callee "(^|[.])Sequential$")
  (#eq? @keyword "layers"))

; torch nn.Sequential(OrderedDict([("name", layer), ...]))
((call
  function: (_) @callee
  arguments: (argument_list .
    (call
      function: (_) @dict
      arguments: (argument_list . (list) @elements)))) @container.ordered_dict
  (#match? @callee "(^|[.])Sequential$")
  (#match? @dict "(^|[.])OrderedDict$"))

; torch nn.Sequential(a, b, c): the arguments are the layers
((call
  function: (_) @callee
  arguments: (argument_list) @elements) @container.arguments
  (#match? @callee "(^|[.])Sequential$"))
