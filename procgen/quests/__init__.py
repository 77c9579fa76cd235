"""Quests: a grammar of motivations, strategies and actions, bound to a real level and cast.

The structure half lives here: :mod:`~procgen.quests.grammar` draws a plan from the authored
corpus, :mod:`~procgen.quests.binding` binds it to entities the player can reach,
:mod:`~procgen.quests.world` simulates carrying it out, and :mod:`~procgen.quests.structure`
assembles quests and questlines. Prose (title and text) is written by a separate step that fills
the slots a skeleton names.
"""
