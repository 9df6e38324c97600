; Keras Sequential(layers=[...]): the list items are the layers.
((call
  function: (_) @callee
  arguments: (argument_list
    (keyword_argument
      name: (identifier) @keyword
      value: (list) @elements))) @container
  (#match? @callee "(^|[.])Sequential$")
  (#eq? @keyword "layers"))
