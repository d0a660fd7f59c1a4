"""Placeholder until the page lands."""

import streamlit as st

st.title("scorecard")
st.info("This page is being built.")
