"""An instructor's business as students see it and as they run it: profile and photo, services and prices, public
cards and profile views, favourites.
"""
